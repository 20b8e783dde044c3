// UntagResource: removes tags of a table by key (a key the table lacks is no error); durable
// before the empty answer.
import type { Operation } from './operation';
import type { TableMeta } from '../table';
import { RESOURCE_ARN, TAG_KEY_LIST, checkTagKeys, tableOfArn, withoutTags } from '../tags';

interface UntagResourceInput {
  ResourceArn: string;
  TagKeys: string[];
}

export const untagResource: Operation<UntagResourceInput> = {
  name: 'UntagResource',
  members: { ResourceArn: RESOURCE_ARN, TagKeys: TAG_KEY_LIST },
  run(db, input) {
    const table = tableOfArn(db, input.ResourceArn);
    checkTagKeys(input.TagKeys);
    const meta: TableMeta = { ...table.meta, tags: withoutTags(table.meta.tags, input.TagKeys) };
    return db.commit([{ kind: 'updateTable', tableId: meta.id, meta }]).then(() => ({}));
  },
};
