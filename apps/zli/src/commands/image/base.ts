import { ImageRelativesCommand, relativesArgs, relativesFlags } from './relatives.js';

export default class ImageBase extends ImageRelativesCommand {
  static override summary = 'List images that are base for the given image';
  static override description =
    "Asks zot's search API (BaseImageList): the images whose layers are all among the first layers of the given one.";
  static override examples = [
    'zli image base myapp:1.0 --config main',
    'zli image base myapp@sha256:8d5a... -f json',
  ];
  static override args = relativesArgs;
  static override flags = relativesFlags;
  protected readonly kind = 'BaseImageList' as const;

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ImageBase);
    await this.listRelatives(args, flags);
  }
}
