import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'bench/results/**', 'e2e/artifacts/**'] },
  ...tseslint.configs.recommended,
  {
    // Type-aware rules read each package's tsconfig through the project service; the root's two config files
    // belong to no package and get a default project.
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js', 'vitest.config.ts', 'scripts/*.mjs'], defaultProject: 'tsconfig.base.json' },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-console': ['error', { allow: ['warn', 'error', 'info'] }],
      // A promise nobody awaits loses its error and its ordering (Spacebar's fire-and-forget lesson).
      '@typescript-eslint/no-floating-promises': 'error',
      // An async function where a void callback is expected: its rejection escapes every handler.
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
);
