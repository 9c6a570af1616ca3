// Lets plain Node 24 run the workspace's TypeScript sources (bench scripts import the libraries'
// sources, as the tests do): `.ts` files are compiled on load with oxc, the transformer vitest
// itself uses (via rolldown), with legacy decorators and their metadata as tsconfig asks; the
// `.js` specifiers that `module: nodenext` sources use are mapped to their `.ts` files, and
// `@neo/*` to the libraries' sources (the same aliases as vitest.shared.ts).
import { registerHooks } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transformSync } from 'rolldown/utils';

const workspaceRoot = fileURLToPath(new URL('..', import.meta.url));
const aliases = {
  '@neo/data': `${workspaceRoot}libs/data/src/index.ts`,
  '@neo/topology-runtime': `${workspaceRoot}libs/topology-runtime/src/index.ts`,
  '@neo/testing': `${workspaceRoot}libs/testing/src/index.ts`,
};

// The decorator helpers oxc refers to (`helpers: External`), as TypeScript's own emit defines them.
globalThis.babelHelpers ??= {
  decorate(decorators, target, key, descriptor) {
    let result = arguments.length < 3 ? target : descriptor === null ? (descriptor = Object.getOwnPropertyDescriptor(target, key)) : descriptor;
    for (let i = decorators.length - 1; i >= 0; i--) {
      const decorator = decorators[i];
      if (decorator) result = (arguments.length < 3 ? decorator(result) : arguments.length > 3 ? decorator(target, key, result) : decorator(target, key)) || result;
    }
    if (arguments.length > 3 && result) Object.defineProperty(target, key, result);
    return result;
  },
  decorateMetadata(key, value) {
    return (target, property) => Reflect.metadata?.(key, value)(target, property);
  },
  decorateParam(index, decorator) {
    return (target, key) => decorator(target, key, index);
  },
};

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier in aliases) return nextResolve(pathToFileURL(aliases[specifier]).href, context);
    if (specifier.endsWith('.js') && (specifier.startsWith('.') || specifier.startsWith('file:')) && context.parentURL?.startsWith('file:')) {
      const asJs = new URL(specifier, context.parentURL);
      const asTs = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
      if (!existsSync(fileURLToPath(asJs)) && existsSync(fileURLToPath(asTs))) return nextResolve(asTs.href, context);
    }
    return nextResolve(specifier, context);
  },
  load(url, context, nextLoad) {
    if (!url.startsWith('file:') || !url.endsWith('.ts') || url.includes('/node_modules/')) return nextLoad(url, context);
    const filename = fileURLToPath(url);
    const result = transformSync(filename, readFileSync(filename, 'utf8'), {
      lang: 'ts',
      sourceType: 'module',
      decorator: { legacy: true, emitDecoratorMetadata: true },
      helpers: { mode: 'External' },
    });
    if (result.errors.length > 0) throw result.errors[0];
    return { format: 'module', source: result.code, shortCircuit: true };
  },
});
