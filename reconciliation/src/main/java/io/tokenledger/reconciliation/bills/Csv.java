package io.tokenledger.reconciliation.bills;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** RFC 4180 CSV with a header line: quoted cells may hold commas, quotes and line breaks. */
final class Csv {
  private Csv() {}

  static List<Map<String, String>> rows(String fileName, String text) {
    List<List<String>> records = records(text.startsWith("\uFEFF") ? text.substring(1) : text);
    if (records.isEmpty()) {
      throw new IllegalArgumentException(fileName + " is empty: a CSV file with a header line was expected");
    }
    List<String> header = records.get(0);
    List<Map<String, String>> rows = new ArrayList<>();
    for (int i = 1; i < records.size(); i++) {
      List<String> cells = records.get(i);
      if (cells.size() == 1 && cells.get(0).isEmpty()) {
        continue;
      }
      if (cells.size() != header.size()) {
        throw new IllegalArgumentException(fileName + " line " + (i + 1) + " has " + cells.size() + " cells, the header "
            + header.size());
      }
      Map<String, String> row = new LinkedHashMap<>();
      for (int c = 0; c < header.size(); c++) {
        row.put(header.get(c).strip(), cells.get(c));
      }
      rows.add(row);
    }
    return rows;
  }

  private static List<List<String>> records(String text) {
    List<List<String>> records = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        record.add(cell.toString());
        cell.setLength(0);
      } else if (c == '\r' || c == '\n') {
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        record.add(cell.toString());
        cell.setLength(0);
        records.add(record);
        record = new ArrayList<>();
      } else {
        cell.append(c);
      }
      i++;
    }
    if (cell.length() > 0 || !record.isEmpty()) {
      record.add(cell.toString());
      records.add(record);
    }
    return records;
  }
}
