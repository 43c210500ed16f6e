"""``carbon completion SHELL``: the completion script for bash, zsh or fish."""

import sys

import typer

from ..model import CarbonError
from .app import Command, app


@app.command("completion", cls=Command)
def completion_command(
    shell: str = typer.Argument(..., metavar="SHELL", help="bash, zsh or fish."),
) -> None:
    """Print the shell completion script (commands, options, document ids, kinds).

    \b
    bash:  carbon completion bash > ~/.local/share/bash-completion/completions/carbon
    zsh:   carbon completion zsh > "${fpath[1]}/_carbon"   (or: eval "$(carbon completion zsh)" in ~/.zshrc)
    fish:  carbon completion fish > ~/.config/fish/completions/carbon.fish
    """
    from ..completion import SHELLS, script

    if shell not in SHELLS:
        raise CarbonError(f"unknown shell {shell[:40]!r}: {', '.join(SHELLS)}")
    sys.stdout.write(script(shell).rstrip("\n") + "\n")
