// A row that says something instead of listing data: an error, "no tables yet", an unavailable API.
import * as vscode from 'vscode';
import { ExplorerNode } from './node';

export class MessageNode extends ExplorerNode {
  readonly type = 'message';
  constructor(
    readonly id: string,
    readonly label: string,
    readonly icon: string,
    readonly options: { command?: vscode.Command; tooltip?: string } = {},
  ) {
    super();
  }

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(this.icon);
    item.command = this.options.command;
    item.tooltip = this.options.tooltip;
    return item;
  }
}
