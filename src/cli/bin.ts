#!/usr/bin/env node
import module from 'node:module';

// The unbundled build's entry (the package's bin is the bundle's launcher, src/cli/launcher.ts).
// Node 22+ keeps compiled bytecode between runs; start-up is most of a compile's latency, so
// the cache is switched on before the rest of the program is loaded.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
await (await import('./main.js')).main();
