// Preloaded into a server under benchmark (node --expose-gc --import): answers the bench's `memory`
// command over IPC with process.memoryUsage() after a full collection, so heap figures hold live objects only.
process.on('message', (message) => {
  if (message?.command !== 'memory') return;
  globalThis.gc?.();
  process.send({ id: message.id, result: process.memoryUsage() });
});
// The server's own handles decide when it exits, not this channel.
process.channel?.unref();
