// ListTagsOfResource: a table's tags sorted by key, a page at a time (tags.ts TAGS_PAGE_SIZE).
import type { Operation } from './operation';
import { RESOURCE_ARN, tableOfArn, tagsPage } from '../tags';

interface ListTagsOfResourceInput {
  ResourceArn: string;
  NextToken?: string;
}

export const listTagsOfResource: Operation<ListTagsOfResourceInput> = {
  name: 'ListTagsOfResource',
  members: { ResourceArn: RESOURCE_ARN, NextToken: { type: 'string' } },
  run(db, input) {
    return tagsPage(tableOfArn(db, input.ResourceArn).meta.tags ?? [], input.NextToken ?? undefined);
  },
};
