// A read-only fact about a table: a key attribute, an index's projection, the capacity. Optional
// children (an index's keys) and an optional click command; no context menu.
import * as vscode from 'vscode';
import { ExplorerNode } from './node';

export interface DetailOptions {
  description?: string;
  tooltip?: string;
  command?: vscode.Command;
  children?: ExplorerNode[];
  contextValue?: string;
}

export class DetailNode extends ExplorerNode {
  readonly type = 'detail';
  constructor(
    readonly id: string,
    readonly label: string,
    readonly icon: string,
    readonly options: DetailOptions = {},
  ) {
    super();
  }

  treeItem(): vscode.TreeItem {
    return rowItem(this.id, this.label, this.icon, this.options, this.options.children?.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  }

  override children(): ExplorerNode[] {
    return this.options.children ?? [];
  }
}

/**
 * The TreeItem of a labelled row with a description and a hover. VS Code reads a string tooltip in
 * place of the label, so the accessible name says the row's name first.
 */
export function rowItem(id: string, label: string, icon: string, o: { description?: string; tooltip?: string; command?: vscode.Command; contextValue?: string }, state: vscode.TreeItemCollapsibleState): vscode.TreeItem {
  const item = new vscode.TreeItem(label, state);
  item.id = id;
  item.description = o.description;
  item.tooltip = o.tooltip;
  item.iconPath = new vscode.ThemeIcon(icon);
  item.command = o.command;
  item.contextValue = o.contextValue;
  item.accessibilityInformation = { label: [label, o.description, o.tooltip].filter(Boolean).join(', ') };
  return item;
}
