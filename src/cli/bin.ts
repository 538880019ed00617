import { main } from './main.js';

// No top-level await: the bundle is CommonJS, so the launcher can give V8 its code cache.
void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
