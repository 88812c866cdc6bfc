import { main } from '@switchyard/cli';

// The repository's composition of the published `switchyard` command (`pnpm switchyard …`).
await main(process.argv.slice(2));
