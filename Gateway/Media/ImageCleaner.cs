using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Gif;
using MetadataExtractor.Formats.Iptc;
using MetadataExtractor.Formats.Jpeg;
using MetadataExtractor.Formats.Png;
using MetadataExtractor.Formats.Xmp;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Processing;
using Directory = MetadataExtractor.Directory;

namespace Gateway.Media;

/// <summary>An image as it will be stored: re-encoded bytes without location or device metadata, and what was taken out.</summary>
public sealed record CleanImage(byte[] Bytes, string Type, int Width, int Height, IReadOnlyList<string> Removed);

/// <summary>
/// Decodes an upload with ImageSharp and encodes it again in its own format, so only pixels (and the colour
/// profile) survive: EXIF (GPS position, camera serial numbers, make and model, maker notes), XMP, IPTC and comments
/// are dropped. MetadataExtractor reads what the upload carried, so <see cref="CleanImage.Removed"/> can say it,
/// and reads the result again: an image that still carries any of it is never stored.
/// </summary>
public sealed class ImageCleaner(GatewayOptions options)
{
    /// <summary>What <see cref="CleanImage.Removed"/> can name.</summary>
    public const string Gps = "gps", CameraSerial = "camera-serial", Device = "device", Exif = "exif", Xmp = "xmp", Iptc = "iptc", Comment = "comment";

    private static readonly int[] SerialTags =
        [ExifDirectoryBase.TagBodySerialNumber, ExifDirectoryBase.TagLensSerialNumber, ExifDirectoryBase.TagCameraOwnerName];

    private static readonly int[] DeviceTags =
        [ExifDirectoryBase.TagMake, ExifDirectoryBase.TagModel, ExifDirectoryBase.TagLensMake, ExifDirectoryBase.TagLensModel, ExifDirectoryBase.TagSoftware];

    private static readonly Dictionary<string, IImageEncoder> Encoders = new(StringComparer.Ordinal)
    {
        ["image/jpeg"] = new JpegEncoder { Quality = 90 },
        ["image/png"] = new PngEncoder(),
        ["image/gif"] = new GifEncoder(),
        ["image/webp"] = new WebpEncoder(),
    };

    /// <summary>The types accepted, as <c>image/…</c>.</summary>
    public static IReadOnlyCollection<string> Types => Encoders.Keys;

    public CleanImage Clean(byte[] upload)
    {
        var info = Identify(upload);
        if ((long)info.Width * info.Height > options.Media.MaxPixels)
        {
            throw ProblemException.BadRequest(
                $"The image is {info.Width} × {info.Height} pixels; the gateway accepts at most {options.Media.MaxPixels:N0} pixels. Scale it down.");
        }
        var removed = Carried(upload);
        byte[] bytes;
        int width, height;
        string type;
        try
        {
            using var image = Image.Load(upload, out var format);
            type = format.DefaultMimeType;
            var encoder = Encoders.GetValueOrDefault(type) ?? throw Unsupported(format.Name);
            // The orientation is an EXIF tag too: turn the pixels so the image still stands the right way without it.
            image.Mutate(x => x.AutoOrient());
            Strip(image);
            (width, height) = (image.Width, image.Height);
            using var output = new MemoryStream();
            image.Save(output, encoder);
            bytes = output.ToArray();
        }
        catch (Exception e) when (e is ImageFormatException or NotSupportedException)
        {
            throw ProblemException.BadRequest($"The file could not be read as an image ({e.Message}).");
        }
        var left = Carried(bytes);
        if (left.Count > 0)
        {
            throw new InvalidOperationException($"The re-encoded image still carries {string.Join(", ", left)}.");
        }
        return new CleanImage(bytes, type, width, height, removed);
    }

    private static IImageInfo Identify(byte[] upload)
    {
        try
        {
            var info = Image.Identify(upload, out var format);
            if (info is null || format is null)
            {
                throw ProblemException.BadRequest($"The file is not an image; upload {string.Join(", ", Types.Select(t => t[6..].ToUpperInvariant()))}.");
            }
            return Encoders.ContainsKey(format.DefaultMimeType) ? info : throw Unsupported(format.Name);
        }
        catch (Exception e) when (e is ImageFormatException or NotSupportedException)
        {
            throw ProblemException.BadRequest($"The file could not be read as an image ({e.Message}).");
        }
    }

    private static ProblemException Unsupported(string format) =>
        ProblemException.BadRequest($"{format} images are not accepted; upload {string.Join(", ", Types.Select(t => t[6..].ToUpperInvariant()))}.");

    private static void Strip(Image image)
    {
        image.Metadata.ExifProfile = null;
        image.Metadata.XmpProfile = null;
        image.Metadata.IptcProfile = null;
        foreach (var frame in image.Frames)
        {
            frame.Metadata.ExifProfile = null;
            frame.Metadata.XmpProfile = null;
            frame.Metadata.IptcProfile = null;
        }
        image.Metadata.GetPngMetadata().TextData.Clear();
        image.Metadata.GetGifMetadata().Comments.Clear();
    }

    /// <summary>The kinds of personal metadata in <paramref name="bytes"/>, in a stable order.</summary>
    public static IReadOnlyList<string> Carried(byte[] bytes)
    {
        IReadOnlyList<Directory> directories;
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            directories = MetadataExtractor.ImageMetadataReader.ReadMetadata(stream);
        }
        catch (Exception e) when (e is MetadataExtractor.ImageProcessingException or IOException)
        {
            return []; // ImageSharp decided it is an image; metadata MetadataExtractor cannot read is not written back either.
        }
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var directory in directories)
        {
            switch (directory)
            {
                case GpsDirectory when directory.TagCount > 0:
                    found.Add(Gps);
                    break;
                case ExifDirectoryBase exif when exif.TagCount > 0:
                    if (SerialTags.Any(exif.ContainsTag))
                    {
                        found.Add(CameraSerial);
                    }
                    if (DeviceTags.Any(exif.ContainsTag) || exif.ContainsTag(ExifDirectoryBase.TagMakernote))
                    {
                        found.Add(Device);
                    }
                    found.Add(Exif);
                    break;
                case XmpDirectory:
                    found.Add(Xmp);
                    break;
                case IptcDirectory when directory.TagCount > 0:
                    found.Add(Iptc);
                    break;
                case JpegCommentDirectory or GifCommentDirectory:
                    found.Add(Comment);
                    break;
                case PngDirectory png when png.ContainsTag(PngDirectory.TagTextualData):
                    found.Add(Comment);
                    break;
                default:
                    if (directory.GetType().Namespace?.EndsWith(".Makernotes", StringComparison.Ordinal) == true)
                    {
                        found.Add(Device); // maker notes carry serial numbers in each maker's own layout
                    }
                    break;
            }
        }
        return new[] { Gps, CameraSerial, Device, Exif, Xmp, Iptc, Comment }.Where(found.Contains).ToArray();
    }
}
