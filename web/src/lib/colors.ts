/** Colours that come from the server (paid-message tiers, cheer badges), checked before use and paired with readable text. */

const HEX = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;

/** The colour when it is a plain #rgb or #rrggbb, else the fallback. */
export function safeColor(color: string, fallback = '#555566'): string {
  return HEX.test(color) ? color : fallback;
}

/** Black or white, whichever reads better on `background` (WCAG relative luminance). */
export function textOn(background: string): '#000' | '#fff' {
  const hex = safeColor(background).slice(1);
  const full = hex.length === 3 ? [...hex].map((digit) => digit + digit).join('') : hex;
  const [r, g, b] = [0, 2, 4].map((offset) => {
    const channel = parseInt(full.slice(offset, offset + 2), 16) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  // Contrast with black is (L + 0.05) / 0.05, with white 1.05 / (L + 0.05): equal at L ≈ 0.179.
  return luminance > 0.179 ? '#000' : '#fff';
}
