import { CveListCommand, cveListArgs, cveListFlags } from '../image/cve-list.js';

export default class CveList extends CveListCommand {
  static override summary = 'List CVEs by REPO:TAG or REPO@DIGEST';
  static override examples = [
    'zli cve list alpine:3.20 --config main',
    'zli cve list alpine@sha256:8d5a... -f json',
  ];
  static override args = cveListArgs;
  static override flags = cveListFlags;

  async run(): Promise<void> {
    const { args, flags } = await this.parse(CveList);
    await this.listCves('cve list', args, flags);
  }
}
