// Child process of metadata-crash.test.ts: a real registry on <root> that pushes to itself over HTTP in a loop
// (new tags, moved tags, tag and manifest deletes, downloads) and prints one line per acknowledged request, until
// it is killed with SIGKILL. Run: node --import tsx metadata-crash-child.ts <root> <round>
import { client, makeImage } from './conformance-fixtures.js';
import { startOnRoot } from './metadata-fixtures.js';

const [root = '', round = '0'] = process.argv.slice(2);
const running = await startOnRoot(root);
const http = client(running.url);
process.stdout.write('ready\n');

async function worker(workerId: number): Promise<never> {
  for (let step = 0; ; step += 1) {
    const repository = `crash/repo${(step + workerId) % 4}`;
    const image = makeImage(`r${round}-w${workerId}-s${step}`);
    const tag = `t${step % 5}`; // tags move between images as steps go round
    const put = await http.pushImage(repository, image, tag);
    if (put.status !== 201) throw new Error(`push: ${put.status}`);
    process.stdout.write(`push ${repository} ${tag} ${image.digest}\n`);
    await (await http.request(`/v2/${repository}/manifests/${tag}`)).arrayBuffer();
    if (step % 7 === 3)
      await http.request(`/v2/${repository}/manifests/t${(step + 1) % 5}`, { method: 'DELETE' });
    if (step % 11 === 5)
      await http.request(`/v2/${repository}/manifests/${image.digest}`, { method: 'DELETE' });
  }
}

await Promise.all([0, 1, 2].map(worker));
