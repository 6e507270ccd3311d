// Lint: TypeScript rules, plus the architecture's import directions, enforced here rather than
// by good intentions (see ../shared/ARCHITECTURE.md "Folders"):
//   renderer/ ↛ electron/      electron/ ↛ renderer/      shared/ ↛ either
//   only electron/shell/ imports the `electron` package; renderer/ and shared/ get no Node;
//   only renderer/viewer/cornerstone/ touches the cornerstone stack (kept replaceable by Cornerstone3D).
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const electronPackage = { regex: '^electron(/.*)?$', message: 'Only electron/shell/ may import the electron package; services stay plain Node.' };
const intoElectronFolder = { regex: '^(\\.\\./)+electron/', message: 'This folder may not import from electron/ (main side).' };
const intoRendererFolder = { regex: '^(\\.\\./)+renderer/', message: 'This folder may not import from renderer/ (browser side).' };
const cornerstonePackages = {
  regex: '^(cornerstone-[a-z-]+|hammerjs|@cornerstonejs/.*)$',
  message: 'Only renderer/viewer/cornerstone/ may use the cornerstone stack; the rest of the app uses its StackViewport interface.',
};
const nodeBuiltins = {
  regex: `^(node:.*|${builtinModules.filter((name) => !name.startsWith('_')).map((name) => name.replace('/', '\\/')).join('|')})(\\/.*)?$`,
  message: 'No Node built-ins here: this code runs in the browser (or anywhere, for shared/).',
};

const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['dist/', 'release/', 'node_modules/', 'test-artifacts/', 'bench/'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.mjs', 'scripts/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: 'error',
    },
  },
  { files: ['renderer/**'], ignores: ['renderer/viewer/cornerstone/**'], rules: restrict(intoElectronFolder, electronPackage, nodeBuiltins, cornerstonePackages) },
  { files: ['renderer/viewer/cornerstone/**'], rules: restrict(intoElectronFolder, electronPackage, nodeBuiltins) },
  { files: ['shared/**'], rules: restrict(intoElectronFolder, intoRendererFolder, electronPackage, nodeBuiltins, cornerstonePackages) },
  { files: ['electron/**'], ignores: ['electron/shell/**'], rules: restrict(intoRendererFolder, electronPackage, cornerstonePackages) },
  { files: ['electron/shell/**'], rules: restrict(intoRendererFolder, cornerstonePackages) },
  { files: ['**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
