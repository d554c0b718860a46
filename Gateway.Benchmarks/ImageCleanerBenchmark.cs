using BenchmarkDotNet.Attributes;
using Gateway.Media;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace Gateway.Benchmarks;

/// <summary>
/// What <c>POST /api/media</c> spends on one photo: reading its metadata, decoding, turning it upright, stripping
/// and re-encoding (JPEG quality 90), and reading the result again. A phone photo with GPS and camera EXIF, at
/// 1080p and at 12 megapixels. dotnet run -c Release --project Gateway.Benchmarks -- --filter '*ImageCleaner*'
/// </summary>
[MemoryDiagnoser]
public class ImageCleanerBenchmark
{
    private readonly ImageCleaner _cleaner = new(new GatewayOptions());
    private byte[] _photo = [];

    [Params("1920x1080", "4000x3000")]
    public string Size { get; set; } = "1920x1080";

    [GlobalSetup]
    public void Setup()
    {
        var (width, height) = Size == "1920x1080" ? (1920, 1080) : (4000, 3000);
        var random = new Random(7);
        using var image = new Image<Rgb24>(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                // A gradient with noise: compresses like a photo, not like a flat colour.
                image[x, y] = new Rgb24((byte)(x * 255 / width ^ random.Next(32)), (byte)(y * 255 / height ^ random.Next(32)), (byte)random.Next(256));
            }
        }
        var exif = new ExifProfile();
        exif.SetValue(ExifTag.GPSLatitude, [new Rational(52, 1), new Rational(22, 1), new Rational(1234, 100)]);
        exif.SetValue(ExifTag.Make, "Canon");
        exif.SetValue(ExifTag.SerialNumber, "012345678901");
        image.Metadata.ExifProfile = exif;
        using var stream = new MemoryStream();
        image.Save(stream, new JpegEncoder { Quality = 90 });
        _photo = stream.ToArray();
    }

    [Benchmark]
    public int Clean() => _cleaner.Clean(_photo).Bytes.Length;
}
