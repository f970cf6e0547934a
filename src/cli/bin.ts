#!/usr/bin/env node
import module from 'node:module';

// Node 22+ keeps compiled bytecode between runs; start-up is most of a compile's latency, so
// the cache is switched on before the rest of the program is loaded.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
await import('./main.js');
