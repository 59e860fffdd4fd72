/// Java's `String.hashCode()`, which Nacos's DistroMapper uses to pick a key's responsible member: every
/// node of a mixed cluster must compute the same value for the same tag.
public enum JavaStringHash {
    /// `s[0]*31^(n-1) + … + s[n-1]` over the UTF-16 code units of `text`, wrapping at 32 bits as Java's `int` does.
    public static func hashCode(_ text: String) -> Int32 {
        var hash: Int32 = 0
        for unit in text.utf16 {
            hash = hash &* 31 &+ Int32(unit)
        }
        return hash
    }
}
