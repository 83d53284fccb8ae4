/** Opens a project as its writer, prints "ready", and keeps it open until killed. Args: projectDir. */
import { writeSync } from 'node:fs';
import { ProjectStore } from '../../../../electron/services/labels/index';

const store = ProjectStore.open(process.argv[2]!);
writeSync(1, `ready ${store.info().uuid}\n`);
setInterval(() => {}, 1 << 30);
