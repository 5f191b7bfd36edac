"""What a change list asks a repository for: the sidebar's filters and the query they make."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RepositoryFilter:
    """A filter in the change list's sidebar: ``choices`` as links, or free input when there are none."""

    name: str  # the query parameter
    title: str
    choices: list[tuple[str, str]] = field(default_factory=list)
    input_type: str = "text"  # for free input: "text", "date"


@dataclass
class ListQuery:
    """What the change list asks the repository for; filter values are the strings from the URL."""

    search: str
    filters: dict[str, str]
    ordering: str
    offset: int
    limit: int
