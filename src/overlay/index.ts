export { createOverlays, type OverlayKey, type Overlays, type OverlaysDependencies } from './overlays.js';
export type { OverlaySchema, OverlayKeyTable } from './schema.js';
export { overlayRoutes } from './routes.js';
