"""How collectstatic writes the static files that WhiteNoise serves in production."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed names and compressed copies, but every file's content left as shipped.

    django-dsfr links the DSFR's CSS and JavaScript with Subresource Integrity hashes of the original files: rewriting
    their url() and sourceMappingURL references to hashed names would change them, and the browser would refuse the
    whole design system. Their fonts and icons are thus fetched under their plain names, which WhiteNoise also serves.
    """

    patterns = ()
