using System.Buffers.Binary;
using System.IO.Compression;

namespace Graystep.TestKit.Browser;

/// <summary>
/// A decoded PNG (8-bit RGB or RGBA, not interlaced: what chromium writes), enough to look for chart colours in a
/// screenshot: the IDAT chunks inflated with zlib and the five scanline filters undone.
/// </summary>
public sealed class Png
{
    private readonly byte[] _rgba;

    private Png(int width, int height, byte[] rgba)
    {
        Width = width;
        Height = height;
        _rgba = rgba;
    }

    public int Width { get; }

    public int Height { get; }

    public (byte R, byte G, byte B) this[int x, int y]
    {
        get
        {
            var i = ((y * Width) + x) * 4;
            return (_rgba[i], _rgba[i + 1], _rgba[i + 2]);
        }
    }

    /// <summary>Every pixel of exactly this colour (<c>#rrggbb</c>), as (x, y).</summary>
    public IReadOnlyList<(int X, int Y)> Find(string hex)
    {
        var r = Convert.ToByte(hex.Substring(1, 2), 16);
        var g = Convert.ToByte(hex.Substring(3, 2), 16);
        var b = Convert.ToByte(hex.Substring(5, 2), 16);
        var found = new List<(int, int)>();
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                var i = ((y * Width) + x) * 4;
                if (_rgba[i] == r && _rgba[i + 1] == g && _rgba[i + 2] == b)
                {
                    found.Add((x, y));
                }
            }
        }

        return found;
    }

    public static Png Decode(byte[] file)
    {
        ArgumentNullException.ThrowIfNull(file);
        ReadOnlySpan<byte> signature = [137, 80, 78, 71, 13, 10, 26, 10];
        if (file.Length < 8 || !file.AsSpan(0, 8).SequenceEqual(signature))
        {
            throw new InvalidDataException("not a PNG file");
        }

        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        var pos = 8;
        while (pos + 8 <= file.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(pos));
            var type = System.Text.Encoding.ASCII.GetString(file, pos + 4, 4);
            var data = file.AsSpan(pos + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    var (depth, colour, interlace) = (data[8], data[9], data[12]);
                    if (depth != 8 || interlace != 0 || colour is not (2 or 6))
                    {
                        throw new InvalidDataException($"unsupported PNG: depth {depth}, colour type {colour}, interlace {interlace}");
                    }

                    channels = colour == 6 ? 4 : 3;
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
            }

            if (type == "IEND")
            {
                break;
            }

            pos += 12 + length;
        }

        idat.Position = 0;
        using var inflate = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        inflate.CopyTo(raw);
        var bytes = raw.ToArray();
        var stride = width * channels;
        var rgba = new byte[width * height * 4];
        var previous = new byte[stride];
        var line = new byte[stride];
        for (var y = 0; y < height; y++)
        {
            var offset = y * (stride + 1);
            var filter = bytes[offset];
            for (var i = 0; i < stride; i++)
            {
                var x = bytes[offset + 1 + i];
                int a = i >= channels ? line[i - channels] : 0;
                int b = previous[i];
                int c = i >= channels ? previous[i - channels] : 0;
                line[i] = filter switch
                {
                    0 => x,
                    1 => (byte)(x + a),
                    2 => (byte)(x + b),
                    3 => (byte)(x + ((a + b) / 2)),
                    4 => (byte)(x + Paeth(a, b, c)),
                    _ => throw new InvalidDataException($"unknown PNG filter {filter}"),
                };
            }

            for (var px = 0; px < width; px++)
            {
                var o = ((y * width) + px) * 4;
                rgba[o] = line[px * channels];
                rgba[o + 1] = line[(px * channels) + 1];
                rgba[o + 2] = line[(px * channels) + 2];
                rgba[o + 3] = channels == 4 ? line[(px * channels) + 3] : (byte)255;
            }

            (previous, line) = (line, previous);
        }

        return new Png(width, height, rgba);
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var (pa, pb, pc) = (Math.Abs(p - a), Math.Abs(p - b), Math.Abs(p - c));
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
