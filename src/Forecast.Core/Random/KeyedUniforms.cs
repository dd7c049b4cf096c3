namespace Forecast.Random;

/// <summary>
/// An endless stream of uniforms in (0, 1) at Philox counter (c0, c1, c2, k) for k = 0, 1, 2, ...,
/// four per block: for samplers that need a variable number of draws (rejection), still keyed by
/// their coordinates alone.
/// </summary>
public struct KeyedUniforms(ulong seed, uint c0, uint c1, uint c2)
{
    private readonly uint _k0 = (uint)seed;
    private readonly uint _k1 = (uint)(seed >> 32);
    private uint _block;
    private uint _w0, _w1, _w2, _w3;
    private int _next = 4;

    public double Next()
    {
        if (_next == 4)
        {
            Philox.Block(_k0, _k1, c0, c1, c2, _block++, out _w0, out _w1, out _w2, out _w3);
            _next = 0;
        }

        return Philox.ToUnit(_next++ switch { 0 => _w0, 1 => _w1, 2 => _w2, _ => _w3 });
    }
}
