package io.tokenledger.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/** Provider payloads in the shapes their API references document (values chosen for the tests). */
public final class ProviderPayloads {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ProviderPayloads() {}

  public static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new AssertionError("bad test JSON: " + text, e);
    }
  }

  public static List<JsonNode> lines(String... texts) {
    List<JsonNode> nodes = new ArrayList<>();
    for (String text : texts) {
      nodes.add(json(text));
    }
    return nodes;
  }

  /** Chat Completions with prompt caching (cached_tokens is part of prompt_tokens). */
  public static final String OPENAI_CHAT_CACHED = """
      {"id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT", "object": "chat.completion", "created": 1741569952,
       "model": "gpt-4o-2024-08-06",
       "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello!", "refusal": null},
                    "logprobs": null, "finish_reason": "stop"}],
       "usage": {"prompt_tokens": 2006, "completion_tokens": 300, "total_tokens": 2306,
                 "prompt_tokens_details": {"cached_tokens": 1920, "audio_tokens": 0},
                 "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                   "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}},
       "service_tier": "default", "system_fingerprint": "fp_fc9f1d7035"}
      """;

  /** Chat Completions of a reasoning model (reasoning_tokens is part of completion_tokens). */
  public static final String OPENAI_CHAT_REASONING = """
      {"id": "chatcmpl-AVj8k", "object": "chat.completion", "created": 1732043150, "model": "o4-mini-2025-04-16",
       "choices": [{"index": 0, "message": {"role": "assistant", "content": "42"}, "finish_reason": "stop"}],
       "usage": {"prompt_tokens": 1118, "completion_tokens": 2350, "total_tokens": 3468,
                 "prompt_tokens_details": {"cached_tokens": 1024, "audio_tokens": 0},
                 "completion_tokens_details": {"reasoning_tokens": 2048, "audio_tokens": 0,
                   "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}}}
      """;

  /** A streamed Chat Completion with stream_options.include_usage: usage only on the last chunk. */
  public static final String[] OPENAI_CHAT_STREAM = {
      """
      {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18",
       "system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"role":"assistant","content":""},
       "logprobs":null,"finish_reason":null}],"usage":null}""",
      """
      {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18",
       "system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,
       "finish_reason":null}],"usage":null}""",
      """
      {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18",
       "system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],
       "usage":null}""",
      """
      {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18",
       "system_fingerprint":"fp_44709d6fcb","choices":[],
       "usage":{"prompt_tokens":1200,"completion_tokens":12,"total_tokens":1212,
                "prompt_tokens_details":{"cached_tokens":1152,"audio_tokens":0},
                "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,
                  "accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}"""};

  /** A Responses API response. */
  public static final String OPENAI_RESPONSES = """
      {"id": "resp_67ccd2bed1ec8190b14f964abc054267", "object": "response", "created_at": 1741476542,
       "status": "completed", "model": "gpt-4.1-2025-04-14",
       "output": [{"type": "message", "id": "msg_67ccd2bf17f0", "status": "completed", "role": "assistant",
                   "content": [{"type": "output_text", "text": "In a peaceful grove...", "annotations": []}]}],
       "usage": {"input_tokens": 36, "input_tokens_details": {"cached_tokens": 0},
                 "output_tokens": 87, "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 123}}
      """;

  /** A streamed Responses call: usage arrives with response.completed. */
  public static final String[] OPENAI_RESPONSES_STREAM = {
      """
      {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response",
       "status":"in_progress","model":"o3-2025-04-16","output":[],"usage":null}}""",
      """
      {"type":"response.output_text.delta","sequence_number":4,"item_id":"msg_1","output_index":1,
       "content_index":0,"delta":"Hi"}""",
      """
      {"type":"response.completed","sequence_number":9,"response":{"id":"resp_1","object":"response",
       "status":"completed","model":"o3-2025-04-16","output":[],
       "usage":{"input_tokens":5000,"input_tokens_details":{"cached_tokens":4096},
                "output_tokens":1500,"output_tokens_details":{"reasoning_tokens":1216},"total_tokens":6500}}}"""};

  /** Anthropic Messages, second call of a cached prompt: cache fields are apart from input_tokens. */
  public static final String ANTHROPIC_MESSAGE_CACHED = """
      {"id": "msg_01XFDUDYJgAACzvnptvVoYEL", "type": "message", "role": "assistant",
       "content": [{"type": "text", "text": "Hello!"}], "model": "claude-sonnet-4-20250514",
       "stop_reason": "end_turn", "stop_sequence": null,
       "usage": {"input_tokens": 21, "cache_creation_input_tokens": 188, "cache_read_input_tokens": 188086,
                 "output_tokens": 393, "service_tier": "standard",
                 "cache_creation": {"ephemeral_5m_input_tokens": 188, "ephemeral_1h_input_tokens": 0}}}
      """;

  /** A streamed Anthropic message: message_start then cumulative message_delta usage. */
  public static final String[] ANTHROPIC_STREAM = {
      """
      {"type":"message_start","message":{"id":"msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY","type":"message",
       "role":"assistant","content":[],"model":"claude-3-5-haiku-20241022","stop_reason":null,
       "stop_sequence":null,"usage":{"input_tokens":472,"cache_creation_input_tokens":0,
       "cache_read_input_tokens":2048,"output_tokens":2}}}""",
      """
      {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""",
      """
      {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}""",
      """
      {"type":"content_block_stop","index":0}""",
      """
      {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}""",
      """
      {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":156}}""",
      """
      {"type":"message_stop"}"""};

  /** Gemini generateContent with context caching and thinking. */
  public static final String GEMINI_CACHED_THINKING = """
      {"candidates": [{"content": {"parts": [{"text": "Sure."}], "role": "model"}, "finishReason": "STOP",
                       "index": 0}],
       "usageMetadata": {"promptTokenCount": 12000, "candidatesTokenCount": 640, "totalTokenCount": 13952,
                         "cachedContentTokenCount": 10240, "toolUsePromptTokenCount": 112,
                         "thoughtsTokenCount": 1200,
                         "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 12000}],
                         "cacheTokensDetails": [{"modality": "TEXT", "tokenCount": 10240}]},
       "modelVersion": "gemini-2.5-flash", "responseId": "mAitaLmkHPPlz7IPvtfUqQ4"}
      """;

  /**
   * gpt-4o-audio-preview answering a spoken question with speech, on the flex tier: audio_tokens are
   * part of prompt_tokens and completion_tokens (54 = 37 audio + 17 text, as OpenAI reports it).
   */
  public static final String OPENAI_CHAT_AUDIO = """
      {"id": "chatcmpl-Cx5qf8QgUbf1yIHPdZ08WFEFxrVza", "object": "chat.completion", "created": 1768199869,
       "model": "gpt-4o-audio-preview",
       "choices": [{"index": 0, "message": {"role": "assistant", "content": null, "refusal": null,
                    "audio": {"id": "audio_696496be735481908601f407fca4eb21", "data": "", "expires_at": 1768203470,
                              "transcript": "Hello! How can I assist you today?"}, "annotations": []},
                    "logprobs": null, "finish_reason": "stop"}],
       "usage": {"prompt_tokens": 128, "completion_tokens": 54, "total_tokens": 182,
                 "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 120, "text_tokens": 8, "image_tokens": 0},
                 "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 37,
                   "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0, "text_tokens": 17}},
       "service_tier": "flex", "system_fingerprint": "fp_a1c804aea4"}
      """;

  /** An Anthropic message on the priority tier that wrote both 5-minute and 1-hour cache entries. */
  public static final String ANTHROPIC_MESSAGE_1H = """
      {"id": "msg_01PcXm3ZC7rWbWAV2cGWnmVd", "type": "message", "role": "assistant",
       "content": [{"type": "text", "text": "Done."}], "model": "claude-opus-4-5-20251101",
       "stop_reason": "end_turn", "stop_sequence": null,
       "usage": {"input_tokens": 12, "cache_creation_input_tokens": 6144, "cache_read_input_tokens": 2048,
                 "output_tokens": 250, "service_tier": "priority",
                 "cache_creation": {"ephemeral_5m_input_tokens": 2048, "ephemeral_1h_input_tokens": 4096}}}
      """;

  /** Gemini hearing audio: promptTokensDetails splits the prompt by modality. */
  public static final String GEMINI_AUDIO = """
      {"candidates": [{"content": {"parts": [{"text": "It says hello."}], "role": "model"}, "finishReason": "STOP",
                       "index": 0}],
       "usageMetadata": {"promptTokenCount": 332, "candidatesTokenCount": 50, "totalTokenCount": 382,
                         "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 12},
                                                 {"modality": "AUDIO", "tokenCount": 320}],
                         "candidatesTokensDetails": [{"modality": "TEXT", "tokenCount": 50}]},
       "modelVersion": "gemini-2.5-flash", "responseId": "kWnKaOeEDsTQz7IP7aGS-Q0"}
      """;

  /** Gemini streamGenerateContent: cumulative usageMetadata on each chunk. */
  public static final String[] GEMINI_STREAM = {
      """
      {"candidates":[{"content":{"parts":[{"text":"The"}],"role":"model"},"index":0}],
       "usageMetadata":{"promptTokenCount":9,"totalTokenCount":9},"modelVersion":"gemini-2.5-flash-lite"}""",
      """
      {"candidates":[{"content":{"parts":[{"text":" end."}],"role":"model"},"finishReason":"STOP","index":0}],
       "usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":31,"totalTokenCount":40,
       "promptTokensDetails":[{"modality":"TEXT","tokenCount":9}]},"modelVersion":"gemini-2.5-flash-lite"}"""};
}
