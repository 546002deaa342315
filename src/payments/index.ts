export { WebhookSignatureError } from './provider.js';
export { readJsonAsText } from './routes.js';
export { signPayload, verifySignature } from './signatures.js';
