using Supply.Cli.Input;

namespace Supply.Cli.Tests;

public class CsvReaderTests
{
    [Fact]
    public void Reads_quoted_fields_with_commas_quotes_and_newlines()
    {
        var text = "\uFEFFa,b,c\r\n1, \"x, y\" ,\"say \"\"hi\"\"\"\n\n2,\"two\nlines\",\n3,,z";
        var records = CsvReader.Read(text).ToList();
        Assert.Equal(4, records.Count);
        Assert.Equal(["a", "b", "c"], records[0].Fields);
        Assert.Equal(["1", "x, y", "say \"hi\""], records[1].Fields);
        Assert.Equal(2, records[1].Line);
        Assert.Equal(4, records[2].Line);
        Assert.Equal(["2", "two\nlines", ""], records[2].Fields);
        Assert.Equal(6, records[3].Line);
        Assert.Equal(["3", "", "z"], records[3].Fields);
    }

    [Fact]
    public void Unterminated_quote_names_the_line_it_opened_on()
    {
        var e = Assert.Throws<CsvSyntaxException>(() => CsvReader.Read("a,b\n1,2\n3,\"open\n4,5\n").ToList());
        Assert.Equal(3, e.Line);
    }

    [Fact]
    public void Stray_quote_in_an_unquoted_field_is_an_error()
    {
        var e = Assert.Throws<CsvSyntaxException>(() => CsvReader.Read("a,b\n1,2\"3\n").ToList());
        Assert.Equal(2, e.Line);
    }
}
