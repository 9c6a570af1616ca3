// Nx loads this file; the generator itself is TypeScript (service.generator.ts), compiled on the
// fly by the workspace's loader, which also follows its `./x.js` imports to `./x.ts`.
import '../../typescript-sources.mjs';

export default async function serviceGenerator(tree, options) {
  const { default: generate } = await import('./service.generator.ts');
  return generate(tree, options);
}
