/**
 * A creator's overlay as the API answers it: OverlayKey (overlays.ts) is this schema's static type, so the
 * shape the routes declare (and the OpenAPI document shows) is the one the code builds.
 */
import { Type } from 'typebox';

export const OverlayKeySchema = Type.Object(
  {
    url: Type.String({ description: 'The page to add to OBS as a browser source: PUBLIC_URL/overlay/<handle>?key=<key>.' }),
    key: Type.String({ description: 'The secret in the URL, such as ovk_…; anyone holding it sees the overlay.' }),
    createdAt: Type.String({ description: 'When this key was made: first use, or the last rotation.' }),
  },
  { description: "A creator's stream overlay." },
);
