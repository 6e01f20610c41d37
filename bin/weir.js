#!/usr/bin/env node
// Entry point of the `weir` command; the CLI itself is bundled into dist/ by `npm run build`.
import('../dist/cli/main.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli/main.js')) {
    process.stderr.write('weir: the CLI is not built; run `npm run build` (npm install does it for you).\n')
    process.exit(2)
  }
  throw error
})
