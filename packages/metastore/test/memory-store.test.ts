import { createMemoryMetaStore } from '../src/index.js';
import { describeMetaStoreContract } from './meta-store-contract.js';

describeMetaStoreContract('MemoryMetaStore', async () => createMemoryMetaStore());
