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

export default defineConfig({
  plugins: [swcPlugin],
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['{apps,libs}/*/{src,test}/**/*.spec.ts', 'tools/**/*.spec.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
