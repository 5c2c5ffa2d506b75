import { ImageRelativesCommand, relativesArgs, relativesFlags } from './relatives.js';

export default class ImageDerived extends ImageRelativesCommand {
  static override summary = 'List images that are derived from given image';
  static override description =
    "Asks zot's search API (DerivedImageList): the images whose layers start with all the layers of the given one.";
  static override examples = [
    'zli image derived alpine:3.20 --config main',
    'zli image derived alpine@sha256:8d5a... -f json',
  ];
  static override args = relativesArgs;
  static override flags = relativesFlags;
  protected readonly kind = 'DerivedImageList' as const;

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ImageDerived);
    await this.listRelatives(args, flags);
  }
}
