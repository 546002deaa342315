import { hash, verify } from '@node-rs/argon2';

/** OWASP's argon2id baseline: 19 MiB, two passes, one lane (the library's defaults, pinned here). */
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password).catch(() => false);
}

/**
 * A hash of a random password, verified against when the email is unknown so
 * that a sign-in for an unknown account takes as long as one for a known one.
 */
let decoyHash: Promise<string> | undefined;
export async function verifyAgainstDecoy(password: string): Promise<void> {
  decoyHash ??= hashPassword(`decoy-${Math.random()}-${Date.now()}`);
  await verifyPassword(await decoyHash, password);
}

/**
 * Passwords seen most often in breach corpora, lower-cased. A password is
 * refused when it is one of these, or one of these followed by digits or
 * punctuation ("password123!").
 */
const COMMON_PASSWORDS = new Set(
  `123456 123456789 12345678 password qwerty 12345 1234567 111111 1234567890 123123 abc123 1234 password1 iloveyou
  1q2w3e4r 000000 qwerty123 zaq12wsx dragon sunshine princess letmein 654321 monkey 27653 1qaz2wsx 123321 qwertyuiop
  superman asdfghjkl trustno1 football baseball welcome welcome1 admin admin123 login master hello freedom whatever
  qazwsx passw0rd p@ssw0rd p@ssword shadow michael jennifer hunter hunter2 ashley mustang starwars charlie batman
  jordan23 killer soccer hockey ranger daniel thomas robert buster harley summer winter spring autumn secret
  changeme default computer internet samsung google apple orange banana chocolate cookie pepper ginger flower
  lovely loveme iloveu princess1 angel angel1 babygirl sweety nicole jessica michelle tigger purple cheese
  matrix access access14 mynoob 1qazxsw2 asdfgh asdf1234 zxcvbnm zxcvbn 147258369 987654321 159753 121212
  abcdef abcdefg abcdefgh abcd1234 test test123 testing guest qwe123 q1w2e3r4 q1w2e3r4t5 aa123456 password12
  pass1234 letmein1 monkey1 dragon1 master1 football1 baseball1 superman1 iloveyou1 sunshine1 shadow1 trustno1!
  ovation ovation123 livestream streamer tiktok youtube twitch coins diamonds gifts`
    .split(/\s+/)
    .filter((word) => word !== ''),
);

const KEYBOARD_ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm', '1234567890', '0987654321', 'abcdefghijklmnopqrstuvwxyz'];

/**
 * Checks a new password and returns what is wrong with it in words a user can
 * act on, or undefined when it is acceptable. Length matters most; short
 * passwords also need variety; common, patterned and personal ones are refused.
 */
export function passwordWeakness(password: string, personal: { email?: string; displayName?: string; handle?: string } = {}): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters; a few unrelated words make a strong, memorable password.`;
  if (password.length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  const lower = password.toLowerCase();
  const stem = lower.replace(/[\d\W_]+$/u, '');
  if (COMMON_PASSWORDS.has(lower) || COMMON_PASSWORDS.has(stem)) return 'This password is among the most common ones and is guessed first; choose something less predictable.';
  if (new Set(lower).size <= 3) return 'This password repeats too few characters; choose something less predictable.';
  if (KEYBOARD_ROWS.some((row) => row.includes(lower) || (stem.length >= 6 && row.includes(stem)))) {
    return 'Keyboard and alphabet sequences are guessed first; choose something less predictable.';
  }
  const personalWords = [personal.email?.split('@')[0], personal.displayName, personal.handle]
    .map((word) => word?.toLowerCase().replace(/\s+/g, ''))
    .filter((word): word is string => word !== undefined && word.length >= 4);
  if (personalWords.some((word) => lower.replace(/\s+/g, '').includes(word))) return 'Do not use your name, handle or email address in your password.';
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z\d]/].filter((pattern) => pattern.test(password)).length;
  if (password.length < 16 && classes < 3) {
    return 'Use 16 or more characters, or mix at least three of: lower-case letters, upper-case letters, digits and symbols.';
  }
  return undefined;
}
