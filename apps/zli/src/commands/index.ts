// oclif "explicit" command discovery: the command ids (space-separated on the command line).
import ConfigAdd from './config/add.js';
import ConfigGet from './config/get.js';
import ConfigList from './config/list.js';
import ConfigRemove from './config/remove.js';
import ConfigReset from './config/reset.js';
import ConfigRoot from './config/root.js';
import ConfigSet from './config/set.js';
import ConfigShow from './config/show.js';
import CveList from './cve/list.js';
import ImageBase from './image/base.js';
import ImageCve from './image/cve.js';
import ImageDerived from './image/derived.js';
import ImageDigest from './image/digest.js';
import ImageList from './image/list.js';
import ImageName from './image/name.js';
import RepoList from './repo/list.js';
import SearchQuery from './search/query.js';
import SearchSubject from './search/subject.js';
import Status from './status.js';

export const commands = {
  config: ConfigRoot,
  'config:add': ConfigAdd,
  'config:remove': ConfigRemove,
  'config:list': ConfigList,
  'config:show': ConfigShow,
  'config:get': ConfigGet,
  'config:set': ConfigSet,
  'config:reset': ConfigReset,
  status: Status,
  'repo:list': RepoList,
  'image:list': ImageList,
  'image:name': ImageName,
  'image:digest': ImageDigest,
  'image:cve': ImageCve,
  'image:derived': ImageDerived,
  'image:base': ImageBase,
  'cve:list': CveList,
  'search:subject': SearchSubject,
  'search:query': SearchQuery,
};
