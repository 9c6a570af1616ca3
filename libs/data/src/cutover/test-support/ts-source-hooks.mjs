// Lets a child process run this workspace's TypeScript sources with Node's own type
// stripping: relative imports are written `./x.js` (as the compiled output needs) and are
// resolved to `./x.ts` when only the source exists.
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if ((specifier.startsWith('.') || specifier.startsWith('/')) && specifier.endsWith('.js')) {
        return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
      }
      throw error;
    }
  },
});
