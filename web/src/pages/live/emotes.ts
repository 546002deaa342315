import type { ChatEmote } from '../../lib/types';

/** A piece of a chat line: plain text, or an emote where its `:code:` stood. */
type ChatPart = { text: string } | { emote: ChatEmote; as: 'emoji' | 'picture' | 'code' };

/** How an emote shows: an emoji as text, a same-origin picture, or (a picture from elsewhere, which the CSP would block) its `:code:`. */
function shownAs(image: string): 'emoji' | 'picture' | 'code' {
  if (image.startsWith('/') && !image.startsWith('//')) return 'picture';
  return image.startsWith('https://') || image.startsWith('//') ? 'code' : 'emoji';
}

/**
 * A chat line cut at the emotes it uses (those the server listed for the sender's tier): any other
 * `:word:` stays text. Pictures are only same-origin paths: the app's CSP loads no image from elsewhere,
 * so an emote given by an https URL shows its code instead.
 */
export function chatParts(text: string, emotes: readonly ChatEmote[]): ChatPart[] {
  if (emotes.length === 0) return [{ text }];
  const byCode = new Map(emotes.map((emote) => [emote.code, emote]));
  // Codes are letters and digits (the API checks), so they go into the pattern as they are; longest first.
  const codes = [...byCode.keys()].filter((code) => /^[A-Za-z0-9]+$/.test(code)).sort((a, b) => b.length - a.length);
  if (codes.length === 0) return [{ text }];
  const parts: ChatPart[] = [];
  let rest = '';
  // split() with a capture group alternates text (even indexes) and the codes found (odd ones).
  for (const [index, piece] of text.split(new RegExp(`:(${codes.join('|')}):`)).entries()) {
    if (index % 2 === 0) {
      rest += piece;
      continue;
    }
    if (rest) parts.push({ text: rest });
    rest = '';
    const emote = byCode.get(piece)!;
    parts.push({ emote, as: shownAs(emote.image) });
  }
  if (rest) parts.push({ text: rest });
  return parts;
}
