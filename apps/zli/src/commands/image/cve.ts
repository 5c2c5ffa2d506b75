import { CveListCommand, cveListArgs, cveListFlags } from './cve-list.js';

export default class ImageCve extends CveListCommand {
  static override summary = "List all CVE's of the image";
  static override examples = [
    'zli image cve alpine:3.20 --config main',
    'zli image cve alpine:3.20 --cve-id CVE-2024-1234',
  ];
  static override args = cveListArgs;
  static override flags = cveListFlags;

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ImageCve);
    await this.listCves('image cve', args, flags);
  }
}
