// TagResource: adds or replaces tags of a table; the new tag set is durable (logged with the
// table's metadata) before the empty answer.
import type { Operation } from './operation';
import type { TableMeta } from '../table';
import { RESOURCE_ARN, TAG_LIST, checkTags, tableOfArn, withTags, type Tag } from '../tags';
import { required } from '../validation/members';

interface TagResourceInput {
  ResourceArn: string;
  Tags: Tag[];
}

export const tagResource: Operation<TagResourceInput> = {
  name: 'TagResource',
  members: { ResourceArn: RESOURCE_ARN, Tags: required(TAG_LIST) },
  run(db, input) {
    const table = tableOfArn(db, input.ResourceArn);
    checkTags(input.Tags);
    const meta: TableMeta = { ...table.meta, tags: withTags(table.meta.tags, input.Tags) };
    return db.commit([{ kind: 'updateTable', tableId: meta.id, meta }]).then(() => ({}));
  },
};
