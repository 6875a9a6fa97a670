"""Link rules (LNK): dead services, the Omnivore image proxy, escaped URLs and text,
missing files and anchors, references, empty links, tracking, unreachable URLs."""

from .dead_service_link import DeadServiceLink
from .empty_link import EmptyLink
from .escaped_markup import EscapedMarkup
from .escaped_url import EscapedUrl
from .missing_anchor import MissingAnchor
from .missing_local_target import MissingLocalTarget
from .proxied_image import ProxiedImage
from .tracking_url import TrackingUrl
from .truncated_destination import TruncatedLinkDestination
from .undefined_reference import UndefinedReference
from .unreachable_url import UnreachableUrl
from .unused_definition import UnusedDefinition

RULES = [
    DeadServiceLink,
    ProxiedImage,
    EscapedUrl,
    EscapedMarkup,
    MissingLocalTarget,
    MissingAnchor,
    UndefinedReference,
    UnusedDefinition,
    EmptyLink,
    TrackingUrl,
    UnreachableUrl,
    TruncatedLinkDestination,
]
