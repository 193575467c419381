// node_wasi_runner.mjs: runs a WASI preview1 command module in V8 through node's `wasi` module,
// for bench/compute/run.py. Usage: node node_wasi_runner.mjs MODULE.wasm [ARGS...]
// The guest's stdout/stderr go straight to ours; exits with the guest's exit code. Prints one
// extra line to stderr, `v8-timing: compile_s=X run_s=Y`: compile_s is WebAssembly.compile,
// run_s is instantiate + _start, so node's own start-up (~40 ms) is in neither. run.py runs
// node with --no-liftoff so V8 compiles every function with TurboFan up front: with its default
// tiering a long-running loop in a function entered once could stay in the baseline tier.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { WASI } from 'node:wasi';

const [file, ...args] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node node_wasi_runner.mjs MODULE.wasm [ARGS...]\n');
  process.exit(2);
}
const bytes = await readFile(file);
const compileStart = performance.now();
const module = await WebAssembly.compile(bytes);
const runStart = performance.now();
// argv[0] is the module's file name, as Wasmtime passes it.
const wasi = new WASI({ version: 'preview1', args: [basename(file), ...args], env: {},
                        returnOnExit: true });
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
const exitCode = wasi.start(instance);
const runEnd = performance.now();
process.stderr.write(`v8-timing: compile_s=${((runStart - compileStart) / 1000).toFixed(6)} ` +
                     `run_s=${((runEnd - runStart) / 1000).toFixed(6)}\n`);
process.exitCode = exitCode;
