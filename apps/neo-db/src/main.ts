// The `neo-db` command (bin of @neo/neo-db; from the repository also `npm run neo-db -- <command>`).
import { runCli } from './cli.js';

process.exitCode = await runCli(process.argv.slice(2));
