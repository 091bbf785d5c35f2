package io.tokenledger.focus.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Currency;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The FinOps Foundation validator's rules for FOCUS 1.2 ({@code model-1.2.json}), evaluated in
 * Java on a dataset's rows: the validator itself needs Python packages this project cannot
 * install. What is checked: every active MUST and MUST NOT rule whose applicability criteria the
 * dataset claims and whose requirement is machine-checkable; a column rule where its column is
 * present (whether a column must be present is a dataset rule of its own). A rule's condition
 * selects the rows it applies to. Composite rules are the sum of their parts, which are checked
 * one by one; but the parts of a composite that holds when any one of them does (an OR, such as
 * "null when there is no invoice, not null when there is") are alternatives, checked only
 * together, through their composite.
 */
public final class FocusRules {
  private static final Set<String> ASSERTED = Set.of("MUST", "MUST NOT");
  private static final Pattern NUMERIC = Pattern.compile("-?(\\d+(\\.\\d+)?|\\.\\d+)(E-?\\d+)?");
  private static final Pattern DATE_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
  /** FOCUS Unit Format: a capitalised unit, optionally after a whole quantity or with a time unit. */
  private static final Pattern UNIT = Pattern.compile(
      "(\\d+ )?[A-Z][A-Za-z]*(-[A-Z][a-z]+|/[A-Z][a-z]+|/\\d+ [A-Z][a-z]+)?");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, JsonNode> rules;
  /** The composite rules that refer to each rule: a part applies only where a whole it belongs to does. */
  private final Map<String, List<String>> parents = new HashMap<>();
  /** Rules that are alternatives of an OR composite: checked through it, never alone. */
  private final Set<String> alternatives = new HashSet<>();

  private FocusRules(Map<String, JsonNode> rules) {
    this.rules = rules;
    rules.forEach((id, rule) -> {
      if ("Composite".equals(rule.path("Function").asText())) {
        JsonNode requirement = rule.path("ValidationCriteria").path("Requirement");
        referenced(requirement).forEach(part -> parents.computeIfAbsent(part, p -> new ArrayList<>()).add(id));
        if (isOr(requirement)) {
          alternatives.addAll(referenced(requirement));
        }
      }
    });
  }

  private static boolean isOr(JsonNode requirement) {
    return "OR".equals(requirement.path("CheckFunction").asText());
  }

  private static List<String> referenced(JsonNode check) {
    List<String> ids = new ArrayList<>();
    if ("CheckModelRule".equals(check.path("CheckFunction").asText())) {
      ids.add(check.path("ModelRuleId").asText());
    }
    for (JsonNode item : check.path("Items")) {
      ids.addAll(referenced(item));
    }
    return ids;
  }

  public static FocusRules load(Path modelJson) throws IOException {
    JsonNode root = JSON.readTree(modelJson.toFile());
    Map<String, JsonNode> rules = new LinkedHashMap<>();
    root.path("ModelRules").fields().forEachRemaining(e -> rules.put(e.getKey(), e.getValue()));
    if (rules.isEmpty()) {
      throw new IllegalArgumentException(modelJson + " holds no ModelRules: not the validator's model file");
    }
    Errata.ALL.forEach((id, erratum) -> {
      JsonNode rule = rules.get(id);
      if (rule != null && rule.path("ValidationCriteria").path("Requirement").equals(erratum.published())) {
        com.fasterxml.jackson.databind.node.ObjectNode corrected = rule.deepCopy();
        com.fasterxml.jackson.databind.node.ObjectNode criteria =
            (com.fasterxml.jackson.databind.node.ObjectNode) corrected.get("ValidationCriteria");
        criteria.set("Requirement", erratum.requirement());
        criteria.set("Condition", erratum.condition());
        rules.put(id, corrected);
      }
    });
    return new FocusRules(rules);
  }

  /** The rules of the published file that this evaluator checks as corrected, each with why. */
  public static Map<String, String> errata() {
    Map<String, String> why = new LinkedHashMap<>();
    Errata.ALL.forEach((id, erratum) -> why.put(id, erratum.why()));
    return why;
  }

  /** A rule a dataset breaks, with the first row that shows it (or the dataset's fault). */
  public record Failure(String rule, String mustSatisfy, String example) {}

  /** What was checked, and what failed. */
  public record Report(List<Failure> failures, List<String> checked, int notApplicable, int notCheckable) {}

  /**
   * @param columns the dataset's columns
   * @param rows each row by column; a null value is null (an empty CSV cell)
   * @param criteria the applicability criteria the dataset claims (e.g. UNIT_PRICING_SUPPORTED)
   */
  public Report check(Collection<String> columns, List<Map<String, String>> rows, Set<String> criteria) {
    Dataset data = new Dataset(new HashSet<>(columns), rows);
    List<Failure> failures = new ArrayList<>();
    List<String> checked = new ArrayList<>();
    int notApplicable = 0;
    int notCheckable = 0;
    for (Map.Entry<String, JsonNode> entry : rules.entrySet()) {
      JsonNode rule = entry.getValue();
      JsonNode criteriaOfRule = rule.path("ValidationCriteria");
      boolean composite = "Composite".equals(rule.path("Function").asText());
      if (!ASSERTED.contains(criteriaOfRule.path("Keyword").asText()) || !"Active".equals(rule.path("Status").asText())
          || composite && !isOr(criteriaOfRule.path("Requirement")) || alternatives.contains(entry.getKey())) {
        continue;
      }
      if (!applicable(entry.getKey(), criteria, new HashSet<>())) {
        notApplicable++;
        continue;
      }
      JsonNode requirement = criteriaOfRule.path("Requirement");
      if (requirement.isEmpty()) {
        notCheckable++;
        continue;
      }
      if ("Column".equals(rule.path("EntityType").asText()) && !data.columns.contains(rule.path("Reference").asText())
          && !"ColumnPresent".equals(requirement.path("CheckFunction").asText())) {
        notApplicable++; // a column the dataset does not have: its presence rule says whether it must
        continue;
      }
      if (!columnsKnown(requirement, data) || !columnsKnown(criteriaOfRule.path("Condition"), data)) {
        notApplicable++;
        continue;
      }
      checked.add(entry.getKey());
      String broken = broken(entry.getKey(), data);
      if (broken != null) {
        failures.add(new Failure(entry.getKey(), criteriaOfRule.path("MustSatisfy").asText(), broken));
      }
    }
    return new Report(failures, checked, notApplicable, notCheckable);
  }

  /** Its own criteria hold, and, when it is part of composite rules, those of at least one of them. */
  private boolean applicable(String ruleId, Set<String> criteria, Set<String> visiting) {
    JsonNode rule = rules.get(ruleId);
    if (rule == null || !visiting.add(ruleId)) {
      return true;
    }
    for (JsonNode criterion : rule.path("ApplicabilityCriteria")) {
      if (!criteria.contains(criterion.asText())) {
        return false;
      }
    }
    List<String> wholes = parents.getOrDefault(ruleId, List.of());
    return wholes.isEmpty() || wholes.stream().anyMatch(whole -> applicable(whole, criteria, new HashSet<>(visiting)));
  }

  /** Whether every column a check names (but a presence check's) is in the dataset. */
  private boolean columnsKnown(JsonNode check, Dataset data) {
    if (check.isEmpty()) {
      return true;
    }
    String function = check.path("CheckFunction").asText();
    if (function.equals("ColumnPresent")) {
      return true;
    }
    if (function.equals("CheckModelRule")) {
      JsonNode referenced = rules.get(check.path("ModelRuleId").asText());
      return referenced != null && columnsKnown(referenced.path("ValidationCriteria").path("Requirement"), data)
          && columnsKnown(referenced.path("ValidationCriteria").path("Condition"), data);
    }
    for (String field : List.of("ColumnName", "ColumnAName", "ColumnBName", "ResultColumnName")) {
      if (check.has(field) && !data.columns.contains(check.path(field).asText())) {
        return false;
      }
    }
    for (JsonNode item : check.path("Items")) {
      if (!columnsKnown(item, data)) {
        return false;
      }
    }
    return true;
  }

  /** The first breach of a rule, or null when the dataset keeps it. */
  private String broken(String ruleId, Dataset data) {
    JsonNode criteria = rules.get(ruleId).path("ValidationCriteria");
    JsonNode requirement = criteria.path("Requirement");
    JsonNode condition = criteria.path("Condition");
    if (datasetLevel(requirement)) {
      return holds(requirement, data, null) ? null : "the dataset does not: " + requirement;
    }
    for (int i = 0; i < data.rows.size(); i++) {
      Map<String, String> row = data.rows.get(i);
      if ((condition.isEmpty() || holds(condition, data, row, true)) && inherited(ruleId, data, row, new HashSet<>())
          && !holds(requirement, data, row)) {
        return "row " + (i + 1) + ": " + describe(requirement, row);
      }
    }
    return null;
  }

  /**
   * Whether a row is one a part's wholes apply to: a part of a composite with a condition ("when
   * ChargeCategory is Usage and CommitmentDiscountId is not null, ...") holds only on its rows.
   */
  private boolean inherited(String ruleId, Dataset data, Map<String, String> row, Set<String> visiting) {
    List<String> wholes = parents.getOrDefault(ruleId, List.of());
    if (wholes.isEmpty() || !visiting.add(ruleId)) {
      return true;
    }
    for (String whole : wholes) {
      JsonNode condition = rules.get(whole).path("ValidationCriteria").path("Condition");
      if ((condition.isEmpty() || holds(condition, data, row, true)) && inherited(whole, data, row, visiting)) {
        return true;
      }
    }
    return false;
  }

  private boolean datasetLevel(JsonNode check) {
    String function = check.path("CheckFunction").asText();
    if (function.equals("ColumnPresent") || function.equals("CheckDistinctCount")) {
      return true;
    }
    if (function.equals("AND") || function.equals("OR")) {
      for (JsonNode item : check.path("Items")) {
        if (!datasetLevel(item)) {
          return false;
        }
      }
      return check.path("Items").size() > 0;
    }
    if (function.equals("CheckModelRule")) {
      JsonNode referenced = rules.get(check.path("ModelRuleId").asText());
      return referenced != null && datasetLevel(referenced.path("ValidationCriteria").path("Requirement"));
    }
    return false;
  }

  private boolean holds(JsonNode check, Dataset data, Map<String, String> row) {
    return holds(check, data, row, false);
  }

  /**
   * Whether a row keeps a check. A value check on a null cell is no breach in a requirement (the
   * validator's {@code col != 'x'} selects no null); in a condition null is not 'x' and is other
   * than 'x', as the spec's text reads ("when ChargeClass is not Correction" holds for null).
   */
  private boolean holds(JsonNode check, Dataset data, Map<String, String> row, boolean condition) {
    String function = check.path("CheckFunction").asText();
    return switch (function) {
      case "AND" -> all(check.path("Items"), data, row, condition);
      case "OR" -> any(check.path("Items"), data, row, condition);
      case "CheckModelRule" -> ruleHolds(check.path("ModelRuleId").asText(), data, row);
      case "ColumnPresent" -> data.columns.contains(check.path("ColumnName").asText());
      case "CheckDistinctCount" -> distinctCount(data, check.path("ColumnAName").asText(),
          check.path("ColumnBName").asText(), check.path("ExpectedCount").asInt());
      case "CheckValue", "CheckNotValue" -> {
        String cell = cell(row, check, "ColumnName");
        JsonNode expected = check.path("Value");
        if (cell == null && !expected.isNull() && !expected.isMissingNode()) {
          // A null is no breach of a value rule (its nullability rules decide it, as the validator's
          // SQL has it); in a condition, null is not the value and is other than it.
          yield !condition || function.equals("CheckNotValue");
        }
        yield function.equals("CheckValue") == equalsValue(cell, expected);
      }
      case "CheckSameValue" -> java.util.Objects.equals(cell(row, check, "ColumnAName"), cell(row, check, "ColumnBName"));
      case "CheckNotSameValue" -> !java.util.Objects.equals(cell(row, check, "ColumnAName"),
          cell(row, check, "ColumnBName"));
      case "CheckGreaterOrEqualThanValue" -> {
        BigDecimal value = decimal(cell(row, check, "ColumnName"));
        yield value == null || value.compareTo(check.path("Value").decimalValue()) >= 0;
      }
      case "CheckDecimalValue", "TypeDecimal" -> {
        String value = cell(row, check, "ColumnName");
        yield value == null || decimal(value) != null;
      }
      case "FormatNumeric" -> matches(cell(row, check, "ColumnName"), NUMERIC);
      case "TypeDateTime", "FormatDateTime" -> matches(cell(row, check, "ColumnName"), DATE_TIME);
      case "TypeString" -> true; // every CSV cell is text
      case "FormatString" -> {
        String value = cell(row, check, "ColumnName");
        yield value == null || (!value.isEmpty() && value.equals(value.strip()));
      }
      case "FormatUnit" -> matches(cell(row, check, "ColumnName"), UNIT);
      case "FormatKeyValue" -> keyValue(cell(row, check, "ColumnName"));
      case "FormatCurrency", "CheckNationalCurrency" -> currency(cell(row, check, "ColumnName"));
      case "ColumnByColumnEqualsColumnValue" -> product(row, check);
      default -> throw new IllegalArgumentException("check function " + function + " is not known to this evaluator");
    };
  }

  private boolean ruleHolds(String ruleId, Dataset data, Map<String, String> row) {
    JsonNode rule = rules.get(ruleId);
    if (rule == null) {
      throw new IllegalArgumentException("the model refers to rule " + ruleId + ", which it does not hold");
    }
    JsonNode criteria = rule.path("ValidationCriteria");
    JsonNode requirement = criteria.path("Requirement");
    if (requirement.isEmpty()) {
      return true; // not machine-checkable: it cannot fail what refers to it
    }
    JsonNode condition = criteria.path("Condition");
    if (row == null || datasetLevel(requirement)) {
      return broken(ruleId, data) == null;
    }
    return (!condition.isEmpty() && !holds(condition, data, row, true)) || holds(requirement, data, row);
  }

  private boolean all(JsonNode items, Dataset data, Map<String, String> row, boolean condition) {
    for (JsonNode item : items) {
      if (!holds(item, data, row, condition)) {
        return false;
      }
    }
    return true;
  }

  private boolean any(JsonNode items, Dataset data, Map<String, String> row, boolean condition) {
    for (JsonNode item : items) {
      if (holds(item, data, row, condition)) {
        return true;
      }
    }
    return false;
  }

  private static String cell(Map<String, String> row, JsonNode check, String field) {
    return row == null ? null : row.get(check.path(field).asText());
  }

  private static boolean equalsValue(String cell, JsonNode expected) {
    if (expected.isNull() || expected.isMissingNode()) {
      return cell == null;
    }
    if (cell == null) {
      return false;
    }
    if (expected.isNumber()) {
      BigDecimal value = decimal(cell);
      return value != null && value.compareTo(expected.decimalValue()) == 0;
    }
    return cell.equals(expected.asText());
  }

  private static BigDecimal decimal(String value) {
    if (value == null || !NUMERIC.matcher(value).matches()) {
      return null;
    }
    return new BigDecimal(value);
  }

  private static boolean matches(String value, Pattern pattern) {
    return value == null || pattern.matcher(value).matches();
  }

  private static boolean keyValue(String value) {
    if (value == null) {
      return true;
    }
    try {
      JsonNode node = JSON.readTree(value);
      if (node == null || !node.isObject()) {
        return false;
      }
      for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
        if (it.next().isContainerNode()) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean currency(String value) {
    if (value == null) {
      return true;
    }
    try {
      return Currency.getInstance(value).getCurrencyCode().equals(value);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** A x B equals the result column, exactly; true when any of the three is null. */
  private static boolean product(Map<String, String> row, JsonNode check) {
    BigDecimal a = decimal(cell(row, check, "ColumnAName"));
    BigDecimal b = decimal(cell(row, check, "ColumnBName"));
    BigDecimal result = decimal(cell(row, check, "ResultColumnName"));
    return a == null || b == null || result == null || a.multiply(b).compareTo(result) == 0;
  }

  private static boolean distinctCount(Dataset data, String a, String b, int expected) {
    Map<String, Set<String>> distinct = new HashMap<>();
    for (Map<String, String> row : data.rows) {
      distinct.computeIfAbsent(row.get(a), k -> new HashSet<>()).add(row.get(b));
    }
    return distinct.entrySet().stream().filter(e -> e.getKey() != null)
        .allMatch(e -> e.getValue().size() == expected);
  }

  private static String describe(JsonNode requirement, Map<String, String> row) {
    StringBuilder cells = new StringBuilder();
    Set<String> columns = new java.util.LinkedHashSet<>();
    collectColumns(requirement, columns);
    columns.forEach(column -> cells.append(column).append('=').append(row.get(column)).append(' '));
    return cells.toString().strip() + " against " + requirement;
  }

  private static void collectColumns(JsonNode check, Set<String> into) {
    for (String field : List.of("ColumnName", "ColumnAName", "ColumnBName", "ResultColumnName")) {
      if (check.has(field)) {
        into.add(check.path(field).asText());
      }
    }
    for (JsonNode item : check.path("Items")) {
      collectColumns(item, into);
    }
  }

  private record Dataset(Set<String> columns, List<Map<String, String>> rows) {}
}
