// Re-serialises the process files the way Camunda Modeler saves them, so their first save in
// Modeler changes nothing but its own exporter attributes: BPMN through bpmn-moddle with the
// Camunda extension (what Modeler itself reads and writes with), forms as Modeler's form editor
// writes JSON (two-space indent, one property per line).
//
//   cd src/main/frontend && npm run format-bpmn            # bpmn/*.bpmn and forms/*.form
//   cd src/main/frontend && npm run format-bpmn -- --check # exit 1 if a file is not formatted
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { BpmnModdle } from 'bpmn-moddle';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const check = process.argv.includes('--check');
const moddle = new BpmnModdle({ camunda: camundaModdle });

async function formatBpmn(name, text) {
  const { rootElement, warnings } = await moddle.fromXML(text);
  if (warnings.length > 0) {
    // an unknown element or attribute would be dropped on the way through: never write that
    console.error(`${name}: ${warnings.map((w) => w.message).join('; ')}`);
    process.exit(2);
  }
  const { xml } = await moddle.toXML(rootElement, { format: true });
  return xml + '\n';
}

const files = [];
for (const dir of ['bpmn', 'forms']) {
  for (const name of (await readdir(join(root, dir))).sort()) {
    if (name.endsWith('.bpmn') || name.endsWith('.form')) {
      files.push(join(dir, name));
    }
  }
}

let unformatted = 0;
for (const name of files) {
  const file = join(root, name);
  const before = await readFile(file, 'utf8');
  const after = name.endsWith('.bpmn') ? await formatBpmn(name, before)
      : JSON.stringify(JSON.parse(before), null, 2) + '\n';
  if (after === before) {
    continue;
  }
  unformatted++;
  if (check) {
    console.error(`${name} is not in Modeler's layout`);
  } else {
    await writeFile(file, after);
    console.log(`formatted ${name}`);
  }
}
process.exit(check && unformatted > 0 ? 1 : 0);
