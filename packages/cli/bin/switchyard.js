#!/usr/bin/env node
// The `switchyard` executable: runs the built command line and ends the process with its exit code.
import { main } from '../dist/index.js';

await main(process.argv.slice(2));
