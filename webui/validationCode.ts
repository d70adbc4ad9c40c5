/**
 * The login page's validation code: a number drawn as an SVG picture, which the person types in.
 * It keeps scripts that only know the password out, as on the Vigor login page. It is not a strong
 * CAPTCHA: the digits are plain text inside the SVG.
 */
import { randomInt } from 'node:crypto';

export function newValidationCode(): string {
  return String(randomInt(0, 10_000)).padStart(4, '0');
}

/** A data: URI of an SVG showing the code with a little jitter and noise lines. */
export function validationCodePicture(code: string): string {
  const digits = [...code]
    .map((digit, index) => `<text x="${14 + index * 22}" y="${30 + randomInt(-4, 5)}" transform="rotate(${randomInt(-15, 16)} ${14 + index * 22} 26)">${digit}</text>`)
    .join('');
  const lines = Array.from({ length: 4 }, () => `<line x1="${randomInt(0, 110)}" y1="${randomInt(0, 44)}" x2="${randomInt(0, 110)}" y2="${randomInt(0, 44)}"/>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="110" height="44"><rect width="110" height="44" fill="#eef2f7"/><g stroke="#8fa6c4">${lines}</g><g font-family="monospace" font-size="24" fill="#173d6e">${digits}</g></svg>`;
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}
