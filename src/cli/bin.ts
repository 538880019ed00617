import { main } from './main.js';
import { runBin } from './run-bin.js';

// No top-level await: the bundle is CommonJS, so the launcher can give V8 its code cache.
void runBin(() => main(process.argv.slice(2)));
