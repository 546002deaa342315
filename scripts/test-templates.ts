// The test run's template databases (src/db/testing/templates.ts), for scripts/run-tests.mjs:
//
//   tsx scripts/test-templates.ts create   prints them as JSON, for OVATION_TEST_TEMPLATES
//   tsx scripts/test-templates.ts drop     drops the ones OVATION_TEST_TEMPLATES names
import { testTemplates } from '../src/db/testing/databases.js';
import { createTestTemplates, dropTestTemplates } from '../src/db/testing/templates.js';

const command = process.argv[2];
if (command === 'create') process.stdout.write(JSON.stringify(await createTestTemplates()));
else if (command === 'drop') await dropTestTemplates(testTemplates());
else {
  console.error('usage: tsx scripts/test-templates.ts create|drop');
  process.exit(2);
}
