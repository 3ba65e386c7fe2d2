"""Images for the upload tests, made on the spot: a phone photo with GPS in its EXIF, a
JPEG that is also an HTML page, and a decompression bomb."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

# Where the photo was taken, as a phone writes it (a hospital in Beijing).
GPS_LATITUDE = (39.0, 54.0, 27.12)
GPS_LONGITUDE = (116.0, 23.0, 44.16)
GPS_IFD = 0x8825
ORIENTATION = 0x0112
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def phone_photo(width: int = 60, height: int = 30, *, fmt: str = "JPEG") -> bytes:
    """A photo as a phone stores it: stored ``width``×``height`` (left half red, right half
    blue) with EXIF orientation 6 (show it turned 90° clockwise, so it is ``height`` wide
    and ``width`` high), the maker, the camera and GPS coordinates in its EXIF, and an XMP
    packet naming the place."""
    im = Image.new("RGB", (width, height), (200, 0, 0))
    im.paste((0, 0, 200), (width // 2, 0, width, height))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "PhoneModel X"  # Model
    exif.get_ifd(GPS_IFD).update(
        {1: "N", 2: GPS_LATITUDE, 3: "E", 4: GPS_LONGITUDE}  # GPSLatitude(Ref)...
    )
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
        b'02/22-rdf-syntax-ns#"><rdf:Description photoshop:City="Beijing" xmlns:photoshop='
        b'"http://ns.adobe.com/photoshop/1.0/"/></rdf:RDF></x:xmpmeta>'
    )
    buf = io.BytesIO()
    im.save(buf, format=fmt, exif=exif.tobytes(), xmp=xmp)
    return buf.getvalue()


def jpeg_html_polyglot() -> bytes:
    """A valid JPEG whose comment segment is an HTML page with a script: any viewer shows
    the picture, a browser told it is HTML runs the script."""
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (255, 255, 255)).save(buf, format="JPEG", comment=HTML)
    data = buf.getvalue()
    assert HTML in data
    return data


def png_bomb(side: int = 30_000) -> bytes:
    """A valid black-and-white PNG of ``side``×``side`` pixels (900 million by default) in
    a few hundred KB: decoding it would take gigabytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    row = b"\x00" * (1 + (side + 7) // 8)
    z = zlib.compressobj(9)
    idat = b"".join(z.compress(row) for _ in range(side)) + z.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def metadata_of(data: bytes) -> dict[str, object]:
    """What a stored image still says about itself: its EXIF tags, GPS tags, XMP and
    comments (all empty for a clean photo), and its size and format."""
    with Image.open(io.BytesIO(data)) as im:
        exif = im.getexif()
        return {
            "exif": dict(exif),
            "gps": dict(exif.get_ifd(GPS_IFD)),
            "xmp": im.info.get("xmp"),
            "comment": im.info.get("comment"),
            "size": im.size,
            "format": im.format,
        }
