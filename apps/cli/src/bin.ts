import { runCli } from '@switchyard/cli';

// The only place that ends the process: commands report failures by throwing, runCli maps them to codes.
const code = await runCli(process.argv.slice(2));
process.exit(code);
