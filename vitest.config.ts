import swc from 'unplugin-swc';
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// SWC instead of esbuild: Nest's DI needs emitDecoratorMetadata, which esbuild cannot emit.
const swcPlugin = swc.vite({
  jsc: {
    target: 'es2023',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
  },
  module: { type: 'es6' },
});

// Tests import libraries from source through the "@plinth/source" export condition.
const conditions = ['@plinth/source', ...defaultServerConditions];

// graphql ships CommonJS (`main`) and ESM (`module`) copies without an exports map: Node (and so @nestjs/graphql,
// Apollo) loads the CommonJS one, Vite would pick the ESM one for our sources, and graphql refuses to mix the two
// ("another module or realm"). Tests use the copy production uses.
const graphqlAsNodeLoadsIt = { find: /^graphql$/, replacement: 'graphql/index.js' };

export default defineConfig({
  plugins: [swcPlugin],
  resolve: { conditions, alias: [graphqlAsNodeLoadsIt] },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['{apps,libs}/*/{src,test}/**/*.spec.ts', 'tools/**/*.spec.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
