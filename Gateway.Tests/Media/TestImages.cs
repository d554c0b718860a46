using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.Metadata.Profiles.Xmp;
using SixLabors.ImageSharp.PixelFormats;

namespace Gateway.Tests.Media;

/// <summary>Images made in code: a photo as a phone writes it (GPS, camera serial, make and model, XMP), plain ones, big ones.</summary>
public static class TestImages
{
    public static byte[] PhoneJpeg(int width = 64, int height = 48)
    {
        using var image = Picture(width, height);
        var exif = new ExifProfile();
        exif.SetValue(ExifTag.GPSLatitudeRef, "N");
        exif.SetValue(ExifTag.GPSLatitude, [new Rational(52, 1), new Rational(22, 1), new Rational(1234, 100)]);
        exif.SetValue(ExifTag.GPSLongitudeRef, "E");
        exif.SetValue(ExifTag.GPSLongitude, [new Rational(4, 1), new Rational(53, 1), new Rational(5678, 100)]);
        exif.SetValue(ExifTag.Make, "Canon");
        exif.SetValue(ExifTag.Model, "Canon EOS R5");
        exif.SetValue(ExifTag.SerialNumber, "012345678901");
        image.Metadata.ExifProfile = exif;
        image.Metadata.XmpProfile = new XmpProfile(System.Text.Encoding.UTF8.GetBytes(
            """<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="52,22.2N"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""));
        using var stream = new MemoryStream();
        image.Save(stream, new JpegEncoder { Quality = 90 });
        return stream.ToArray();
    }

    public static byte[] Png(int width = 32, int height = 32)
    {
        using var image = Picture(width, height);
        using var stream = new MemoryStream();
        image.Save(stream, new PngEncoder());
        return stream.ToArray();
    }

    /// <summary>A PNG of noise, which does not compress: about width × height × 3 bytes.</summary>
    public static byte[] NoisePng(int width, int height, int seed = 1)
    {
        var random = new Random(seed);
        using var image = new Image<Rgb24>(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                image[x, y] = new Rgb24((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
            }
        }
        using var stream = new MemoryStream();
        image.Save(stream, new PngEncoder { CompressionLevel = PngCompressionLevel.NoCompression });
        return stream.ToArray();
    }

    private static Image<Rgb24> Picture(int width, int height)
    {
        var image = new Image<Rgb24>(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                image[x, y] = new Rgb24((byte)(x * 4), (byte)(y * 4), 128);
            }
        }
        return image;
    }
}
